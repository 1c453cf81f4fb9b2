import Testing
import Console

@Suite("Console")
struct VersionTests {
    @Test("version is semantic")
    func version() { #expect(EntkVersion.string.split(separator: ".").count == 3) }
}
