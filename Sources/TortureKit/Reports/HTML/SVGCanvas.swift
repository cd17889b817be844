import Foundation

/// A few SVG shapes as text, every number rounded to one decimal so the files stay small.
struct SVGCanvas {
    private var parts: [String] = []
    let width: Double
    let height: Double

    /// A `fluid` chart fills its card's width (scaled, as its viewBox says) instead of a fixed size.
    init(width: Double, height: Double, label: String, fluid: Bool = false) {
        self.width = width
        self.height = height
        // No xmlns: inline SVG in HTML needs none, and the page must not name any network address.
        let size = fluid ? "class=\"fluid\"" : "width=\"\(n(width))\" height=\"\(n(height))\""
        parts.append("<svg \(size) viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTMLPage.escape(label))\">")
    }

    /// A line through points, in order.
    mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, widthPx: Double = 1.5, dashed: Bool = false, tip: String? = nil) {
        guard !points.isEmpty else { return }
        let coordinates = points.map { "\(n($0.x)),\(n($0.y))" }.joined(separator: " ")
        parts.append("<polyline points=\"\(coordinates)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(widthPx))\""
            + " stroke-linejoin=\"round\"" + (dashed ? " stroke-dasharray=\"5 3\"" : "") + closed("polyline", tip: tip))
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
        case .ring: path = "M\(n(x - 5)) \(n(y))a5 5 0 1 0 10 0a5 5 0 1 0 -10 0Z"
        case .square: path = "M\(n(x - 4.5)) \(n(y - 4.5))h9v9h-9Z"
        case .bar: path = "M\(n(x)) \(n(y - 7))V\(n(y + 7))"
        }
        let paint = switch shape {
        case .cross, .bar: "fill=\"none\" stroke=\"\(fill)\" stroke-width=\"2.5\""
        case .ring: "fill=\"#fff\" stroke=\"\(fill)\" stroke-width=\"2.5\""
        default: "fill=\"\(fill)\" stroke=\"#fff\" stroke-width=\"1\""
        }
        parts.append("<path d=\"\(path)\" \(paint)" + closed("path", tip: tip))
    }

    enum MarkerShape {
        case diamond, circle, triangle, cross, ring, square, bar
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
