import Foundation

/// A few SVG shapes as text, every number rounded to one decimal so the files stay small.
struct SVGCanvas {
    private var parts: [String] = []
    let width: Double
    let height: Double

    init(width: Double, height: Double, label: String) {
        self.width = width
        self.height = height
        // No xmlns: inline SVG in HTML needs none, and the page must not name any network address.
        parts.append("<svg width=\"\(n(width))\" height=\"\(n(height))\" "
            + "viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTMLPage.escape(label))\">")
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, tip: String? = nil, opacity: Double = 1) {
        let shape = "<rect x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, width)))\" height=\"\(n(max(0, height)))\" fill=\"\(fill)\""
            + (opacity < 1 ? " fill-opacity=\"\(n(opacity))\"" : "")
        parts.append(shape + closed("rect", tip: tip))
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, dashed: Bool = false, widthPx: Double = 1) {
        parts.append("<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(widthPx))\""
            + (dashed ? " stroke-dasharray=\"4 3\"" : "") + "/>")
    }

    mutating func text(_ content: String, x: Double, y: Double, anchor: String, fill: String? = nil, weight: String? = nil) {
        var attributes = "x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\""
        if let fill { attributes += " style=\"fill:\(fill)\"" }
        if let weight { attributes += " font-weight=\"\(weight)\"" }
        parts.append("<text \(attributes)>\(HTMLPage.escape(content))</text>")
    }

    mutating func marker(_ shape: MarkerShape, x: Double, y: Double, fill: String, tip: String) {
        let path: String
        switch shape {
        case .diamond: path = "M\(n(x)) \(n(y - 6))L\(n(x + 6)) \(n(y))L\(n(x)) \(n(y + 6))L\(n(x - 6)) \(n(y))Z"
        case .circle: path = "M\(n(x - 4.5)) \(n(y))a4.5 4.5 0 1 0 9 0a4.5 4.5 0 1 0 -9 0Z"
        case .triangle: path = "M\(n(x)) \(n(y - 6))L\(n(x + 6)) \(n(y + 5))L\(n(x - 6)) \(n(y + 5))Z"
        case .cross: path = "M\(n(x - 5)) \(n(y - 5))L\(n(x + 5)) \(n(y + 5))M\(n(x + 5)) \(n(y - 5))L\(n(x - 5)) \(n(y + 5))"
        }
        let paint = shape == .cross ? "fill=\"none\" stroke=\"\(fill)\" stroke-width=\"2.5\"" : "fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"1\""
        parts.append("<path d=\"\(path)\" \(paint)" + closed("path", tip: tip))
    }

    enum MarkerShape {
        case diamond, circle, triangle, cross
    }

    func finish() -> String {
        (parts + ["</svg>"]).joined(separator: "\n")
    }

    /// A `<title>` child is what browsers show on hover: the exact figures behind a shape.
    private func closed(_ element: String, tip: String?) -> String {
        guard let tip else { return "/>" }
        return "><title>\(HTMLPage.escape(tip))</title></\(element)>"
    }

    private func n(_ value: Double) -> String {
        Formatting.decimal(value, places: 1)
    }
}
