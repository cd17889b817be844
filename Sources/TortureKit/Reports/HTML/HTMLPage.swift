/// The shell every HTML report shares: one file, its style inline, no script and nothing fetched
/// from a network, so it opens the same from a CI artifact, a mail attachment or a laptop offline.
enum HTMLPage {
    static func render(title: String, body: [String]) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))</title>
        <style>\(style)</style>
        </head>
        <body>
        \(body.joined(separator: "\n"))
        </body>
        </html>

        """
    }

    static func escape(_ text: String) -> String { Markup.escape(text) }

    static func table(header: [String], rows: [[String]], numericFrom firstNumericColumn: Int = 1) -> String {
        var html = "<table>"
        if !header.isEmpty {
            html += "<thead><tr>"
            for (column, cell) in header.enumerated() {
                html += column >= firstNumericColumn ? "<th class=\"n\">\(escape(cell))</th>" : "<th>\(escape(cell))</th>"
            }
            html += "</tr></thead>"
        }
        html += "<tbody>"
        for row in rows {
            html += "<tr>"
            for (column, cell) in row.enumerated() {
                html += column >= firstNumericColumn ? "<td class=\"n\">\(escape(cell))</td>" : "<td>\(escape(cell))</td>"
            }
            html += "</tr>"
        }
        return html + "</tbody></table>"
    }

    static func badge(_ text: String, good: Bool) -> String {
        "<span class=\"badge \(good ? "good" : "bad")\">\(escape(text))</span>"
    }

    static func code(_ text: String) -> String {
        "<pre class=\"repro\">\(escape(text))</pre>"
    }

    static let style = """
        body{font:14px/1.45 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:24px auto;max-width:1100px;\
        padding:0 16px;color:#1d2330;background:#fff}
        h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e3e6ec;padding-bottom:4px}
        h3{font-size:15px;margin:18px 0 6px}.sub{color:#5b6475;margin:0 0 12px}
        table{border-collapse:collapse;margin:6px 0 12px}th,td{padding:3px 10px;border-bottom:1px solid #eceef2;text-align:left}
        th{background:#f5f6f8;font-weight:600}.n{text-align:right;font-variant-numeric:tabular-nums}
        .badge{display:inline-block;padding:2px 10px;border-radius:10px;font-weight:700;color:#fff;font-size:13px;vertical-align:middle}
        .good{background:#2e8b57}.bad{background:#c62828}
        pre.repro{background:#f5f6f8;border:1px solid #e3e6ec;padding:8px 10px;white-space:pre-wrap;word-break:break-all;font-size:12.5px}
        .charts{display:flex;flex-wrap:wrap;gap:18px}.chart{border:1px solid #eceef2;padding:6px;border-radius:4px}
        svg text{font:11px "DejaVu Sans",sans-serif;fill:#3a4150}.muted{color:#5b6475}
        .legend span{display:inline-block;margin-right:14px}.swatch{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
        ul.witnesses{margin:4px 0 8px 0;padding-left:20px}
        svg.fluid{display:block;width:100%;height:auto}.wide{display:block}
        table.marks{font-size:12px}table.marks td{padding:1px 8px;vertical-align:top}
        """
}
