import ArgumentParser
import Console

/// The executable: argument parsing and nothing else; all behaviour lives in `Console`.
struct Entk: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entk",
        abstract: "An interactive console for empirical-NTK analysis of small neural networks.",
        version: EntkVersion.string)

    func run() throws {
        print("entk \(EntkVersion.string) · empirical NTK console")
    }
}

Entk.main()
