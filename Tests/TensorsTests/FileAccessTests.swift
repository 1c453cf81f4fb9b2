import Foundation
import Testing
import Tensors
#if canImport(Glibc)
import Glibc
#endif

@Suite("Saving and reading files")
struct FileAccessTests {
    private func mode(_ path: String) throws -> Int {
        try (FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int).unwrap()
    }

    @Test("the streamed .npy and .safetensors files hold exactly the encoded bytes")
    func streamedBytesMatchEncoding() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // Larger than the writer's 1 MB buffer, so several chunks go out.
        let tensor = Tensor(shape: [300, 1000], storage: (0..<300_000).map { Double($0) * 0.25 - 7 })
        for precision in [StoredPrecision.float64, .float32] {
            let npy = directory.appendingPathComponent("t.npy").path
            try NPY.write(tensor, to: npy, precision: precision)
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: npy))) == NPY.encode(tensor, precision: precision))
            let file = SafeTensorsFile(tensors: [("a", tensor), ("b", Tensor(shape: [2], storage: [1, 2]))])
            let safetensors = directory.appendingPathComponent("t.safetensors").path
            try SafeTensors.write(file, to: safetensors, precision: precision)
            #expect([UInt8](try Data(contentsOf: URL(fileURLWithPath: safetensors))) == (try SafeTensors.encode(file, precision: precision)))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == ["t.npy", "t.safetensors"])
    }

    @Test("saving onto a symbolic link writes through it, and the link stays")
    func writesThroughLinks() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = directory.appendingPathComponent("real.npy").path
        let link = directory.appendingPathComponent("link.npy").path
        try NPY.write((try Tensor.zeros([2])), to: real)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: "real.npy")
        try NPY.write((try Tensor.ones([3])), to: link)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == "real.npy")
        #expect(try NPY.read(contentsOf: real) == (try Tensor.ones([3])))
    }

    @Test("saving over an existing file keeps its permissions")
    func keepsMode() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("k.npy").path
        try NPY.write((try Tensor.zeros([2])), to: path)
        chmod(path, 0o640)
        try NPY.write((try Tensor.ones([2])), to: path)
        #expect(try mode(path) == 0o640)
        chmod(path, 0o604)
        try FileAccess.write("text", to: path)
        #expect(try mode(path) == 0o604)
    }

    @Test("a write that is not committed leaves no partial file and the old file intact")
    func abandonedWriteCleansUp() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("x.npy").path
        try FileAccess.write("old", to: path)
        do {
            let writer = try FileWriter(path: path)
            try writer.write(Array("new".utf8))
            #expect(writer.partialPath.hasSuffix("/.x.npy.entk-partial-\(getpid())"))
            #expect(FileManager.default.fileExists(atPath: writer.partialPath))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["x.npy"])
        #expect(try String(contentsOfFile: path, encoding: .utf8) == "old")
    }

    @Test("saving into a directory removes partial files of dead processes, not of live ones")
    func removesStalePartials() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        // No process has PID 2^22 - 1 (Linux's largest PID) in a test run; the parent is alive.
        let dead = ".k.npy.entk-partial-4194303", live = ".k.npy.entk-partial-\(getppid())"
        for name in [dead, live] { try FileAccess.write("partial", to: directory.appendingPathComponent(name).path) }
        try NPY.write((try Tensor.ones([1])), to: directory.appendingPathComponent("other.npy").path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted() == [live, "other.npy"])
    }

    @Test("FIFOs, devices, directories and missing paths are refused with plain messages")
    func plainMessages() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let fifo = directory.appendingPathComponent("pipe.npy").path
        #expect(mkfifo(fifo, 0o600) == 0)
        func message(_ body: () throws -> Void) -> String {
            do { try body(); return "no error" } catch { return "\(error)" }
        }
        #expect(message { _ = try NPY.read(contentsOf: fifo) } == "cannot read '\(fifo)': it is a FIFO (named pipe), not a regular file")
        #expect(message { try NPY.write((try Tensor.ones([1])), to: fifo) } == "cannot write '\(fifo)': it is a FIFO (named pipe), not a regular file")
        // Only while /dev/zero really is the device: a test must never write over a system file
        // that something else has replaced.
        var zero = stat()
        if stat("/dev/zero", &zero) == 0, zero.st_mode & S_IFMT == S_IFCHR {
            #expect(message { _ = try NPY.read(contentsOf: "/dev/zero") } == "cannot read '/dev/zero': it is a device, not a regular file")
            // Never written to, even to check a refusal: a writer that regressed would replace it as root.
        } else {
            print("skipping the /dev/zero checks: /dev/zero is not a character device on this machine")
        }
        #expect(message { try NPY.write((try Tensor.ones([1])), to: directory.path) } == "cannot write '\(directory.path)': it is a directory")
        #expect(message { try NPY.write((try Tensor.ones([1])), to: "/nonexistent-entk/x.npy") } == "cannot write '/nonexistent-entk/x.npy': no such directory")
        #expect(message { _ = try NPY.read(contentsOf: "/nonexistent-entk.npy") } == "cannot read '/nonexistent-entk.npy': no such file")
        let cocoa = NSError(domain: NSCocoaErrorDomain, code: 256)
        #expect("\(FileAccessError("write", "f", foundationError: cocoa))" == "cannot write 'f': the system refused it")
        let posix = NSError(domain: NSCocoaErrorDomain, code: 513, userInfo: [NSUnderlyingErrorKey: NSError(domain: NSPOSIXErrorDomain, code: Int(EROFS))])
        #expect("\(FileAccessError("write", "f", foundationError: posix))" == "cannot write 'f': the file system is read-only")
    }

    @Test("the directory of a path, as dirname gives it, for paths with and without a slash")
    func directoryOfPath() {
        #expect(FileAccess.directory(of: "x") == ".")
        #expect(FileAccess.directory(of: "") == ".")
        #expect(FileAccess.directory(of: "a/b") == "a")
        #expect(FileAccess.directory(of: "/x") == "/")
        #expect(FileAccess.directory(of: "/x/y/") == "/x")
    }
}

private extension Optional {
    func unwrap() throws -> Wrapped {
        guard let self else { throw CocoaError(.fileReadUnknown) }
        return self
    }

}
