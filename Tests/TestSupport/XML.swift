import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The name of the root element when `data` is well-formed XML, else nil (SVG checks: "svg").
public func xmlRootElement(_ data: Data) -> String? {
    final class Root: NSObject, XMLParserDelegate {
        var name: String?
        func parser(_ parser: XMLParser, didStartElement n: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            if name == nil { name = n }
        }
    }
    let root = Root(), parser = XMLParser(data: data)
    parser.delegate = root
    return parser.parse() ? root.name : nil
}
