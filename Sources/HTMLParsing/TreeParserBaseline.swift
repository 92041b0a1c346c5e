import CLibXML2

/// libxml2's tree parser on the same input, for benchmarks that show the SAX path is not slower.
/// Not part of the supported API (kept behind SPI so tests need not import CLibXML2).
@_spi(Benchmarks)
public enum TreeParserBaseline {
    /// Parses `body` with `htmlReadMemory` (building the whole tree, as a DOM-based extractor
    /// would), walks it iteratively and returns the number of `<a href>` elements.
    public static func countAnchorsWithTreeParser(_ body: UnsafeRawBufferPointer) -> Int {
        HTMLParsing.initialize()
        guard let base = body.baseAddress, !body.isEmpty else { return 0 }
        let document = base.withMemoryRebound(to: CChar.self, capacity: body.count) { pointer in
            htmlReadMemory(pointer, Int32(min(body.count, Int(Int32.max))), nil, nil, HTMLLinkExtractor.parseOptions)
        }
        guard let document else { return 0 }
        defer { xmlFreeDoc(document) }
        var count = 0
        // Iterative pre-order walk: a recursive one would overflow on deep documents.
        var node = document.pointee.children
        while let current = node {
            if current.pointee.type == XML_ELEMENT_NODE, let name = current.pointee.name,
               ASCIIBytes.equals(name, "a"), xmlHasProp(current, "href") != nil {
                count += 1
            }
            if let child = current.pointee.children, current.pointee.type == XML_ELEMENT_NODE {
                node = child
                continue
            }
            var cursor: xmlNodePtr? = current
            node = nil
            while let up = cursor {
                if let sibling = up.pointee.next {
                    node = sibling
                    break
                }
                let parent = up.pointee.parent
                cursor = (parent == nil || UnsafeMutableRawPointer(parent!) == UnsafeMutableRawPointer(document)) ? nil : parent
            }
        }
        return count
    }
}
