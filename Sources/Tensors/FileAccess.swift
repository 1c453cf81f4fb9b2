import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A file that could not be read or written, with a plain message: the path and what was
/// wrong, e.g. `cannot write 'out/k.npy': no such directory`. This is the one place that
/// turns system errors into text; no Foundation error text (`NSCocoaErrorDomain error 256`,
/// "You don't have permission") reaches the user.
public struct FileAccessError: Error, Equatable, CustomStringConvertible, Sendable {
    /// `"read"`, `"write"` or `"append to"`.
    public var action: String
    public var path: String
    /// What was wrong, lower case: "permission denied", "it is a directory", …
    public var problem: String

    public init(_ action: String, _ path: String, _ problem: String) {
        self.action = action
        self.path = path
        self.problem = problem
    }

    /// From a system error number.
    public init(_ action: String, _ path: String, errno code: Int32) {
        self.init(action, path, FileAccessError.problem(errno: code))
    }

    /// From an error Foundation threw (its POSIX cause when it has one; never its own text,
    /// such as "The operation could not be completed").
    public init(_ action: String, _ path: String, foundationError error: Error) {
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain {
            self.init(action, path, errno: Int32(ns.code))
        } else if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            self.init(action, path, errno: Int32(underlying.code))
        } else {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: self.init(action, path, errno: ENOENT)
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: self.init(action, path, errno: EACCES)
            case NSFileWriteOutOfSpaceError: self.init(action, path, errno: ENOSPC)
            case NSFileWriteVolumeReadOnlyError: self.init(action, path, errno: EROFS)
            case NSFileWriteFileExistsError: self.init(action, path, "a file of that name exists")
            default: self.init(action, path, "the system refused it")
            }
        }
    }

    public var description: String { "cannot \(action) '\(path)': \(problem)" }

    /// Plain words for the error numbers file access meets; others use the C library's text.
    public static func problem(errno code: Int32) -> String {
        switch code {
        case EACCES, EPERM: return "permission denied"
        case ENOENT: return "no such file"
        case ENOTDIR: return "a part of the path is not a directory"
        case EISDIR: return "it is a directory"
        case ENOSPC: return "no space left on the device"
        case EDQUOT: return "disk quota exceeded"
        case EROFS: return "the file system is read-only"
        case ENAMETOOLONG: return "the name is too long"
        case ELOOP: return "too many levels of symbolic links"
        case EFBIG: return "the file is too large"
        case EMFILE, ENFILE: return "too many open files"
        case EIO: return "an input/output error"
        case ENOMEM: return "out of memory"
        case EXDEV: return "the temporary file is on another device"
        default: return String(cString: strerror(code)).lowercased()
        }
    }

    /// What a non-regular file is, for "… is not a regular file" messages.
    static func kind(mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFDIR: return "it is a directory"
        case S_IFIFO: return "it is a FIFO (named pipe), not a regular file"
        case S_IFCHR, S_IFBLK: return "it is a device, not a regular file"
        case S_IFSOCK: return "it is a socket, not a regular file"
        default: return "it is not a regular file"
        }
    }
}

/// Reading, writing and appending files safely: regular files only (a FIFO or a device is
/// refused rather than read forever or blocked on), errors as `FileAccessError`.
public enum FileAccess {
    /// The directory part of a path, as `dirname` gives it: `a/b` → `a`, `x` → `.`, `/x` → `/`.
    /// (Foundation's `deletingLastPathComponent` traps on a path without a slash on Linux.)
    public static func directory(of path: String) -> String {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    /// The whole content of the regular file at `path`.
    public static func readBytes(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { throw FileAccessError("read", path, errno: errno) }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0 else { throw FileAccessError("read", path, errno: errno) }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileAccessError("read", path, FileAccessError.kind(mode: info.st_mode)) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(info.st_size))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { readDescriptor(fd, $0.baseAddress!, $0.count) }
            if n < 0 {
                if errno == EINTR || errno == EAGAIN { continue }
                throw FileAccessError("read", path, errno: errno)
            }
            if n == 0 { return bytes }
            bytes.append(contentsOf: chunk[..<n])
        }
    }

    /// Refuses a path that exists and is not a regular file (for files kept open: history,
    /// transcripts). A path that does not exist is fine.
    public static func requireRegularFileOrNothing(_ path: String, action: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return }
            throw FileAccessError(action, path, errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFREG else { throw FileAccessError(action, path, FileAccessError.kind(mode: info.st_mode)) }
    }

    /// Writes `text` to `path` through a `FileWriter` (a partial file renamed into place).
    public static func write(_ text: String, to path: String) throws {
        let writer = try FileWriter(path: path)
        var text = text
        try text.withUTF8 { bytes in try writer.write(UnsafeRawBufferPointer(bytes)) }
        try writer.commit()
    }

    /// Opens the regular file at `path` for appending, creating it (emptying it first when
    /// `truncating`); refuses FIFOs and devices. Returns the handle and the bytes already there.
    public static func openForAppending(_ path: String, truncating: Bool = false) throws -> (handle: FileHandle, existingBytes: Int) {
        let action = truncating ? "write" : "append to"
        try requireRegularFileOrNothing(path, action: action)
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | (truncating ? O_TRUNC : 0), 0o666)
        guard fd >= 0 else { throw FileAccessError(action, path, errno: errno) }
        var info = stat()
        let size = fstat(fd, &info) == 0 ? Int(info.st_size) : 0
        return (FileHandle(fileDescriptor: fd, closeOnDealloc: true), size)
    }
}

/// Writes a file without ever leaving a half-written one under its name.
///
/// Bytes go, in buffered chunks (a tensor is never copied whole into memory), to a partial
/// file beside the target, `.NAME.entk-partial-PID`, which `commit()` renames over the
/// target. An error, or a writer dropped before `commit()`, removes the partial file; one left
/// by a killed process is removed by the next save into that directory (its PID is no longer
/// running). Saving onto a symbolic link writes through it to the file it names (the link
/// stays), and saving over an existing file keeps that file's permissions. Only regular files
/// are replaced: a directory, FIFO or device is refused.
public final class FileWriter {
    /// The path as given (for messages).
    public let path: String
    /// The file that will be replaced: `path` with symbolic links followed.
    public let target: String
    /// Where the bytes go until `commit()`.
    public let partialPath: String
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var committed = false
    static let bufferSize = 1 << 20

    /// The marker in partial file names.
    public static let partialMarker = ".entk-partial-"

    /// Opens a partial file for `path` (and removes stale partial files of dead processes in
    /// the same directory).
    public init(path: String) throws {
        self.path = path
        let target = try Self.followLinks(path)
        self.target = target
        var mode: mode_t = 0o666
        var keepsMode = false
        var info = stat()
        if stat(target, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFREG else { throw FileAccessError("write", path, FileAccessError.kind(mode: info.st_mode)) }
            mode = info.st_mode & 0o7777
            keepsMode = true
        }
        let directory = FileAccess.directory(of: target)
        let name = (target as NSString).lastPathComponent
        Self.removeStalePartials(in: directory)
        partialPath = (directory as NSString).appendingPathComponent(".\(name)\(Self.partialMarker)\(getpid())")
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            let code = errno
            // The partial file's directory is the target's: report the target, not the partial name.
            throw FileAccessError("write", path, code == ENOENT ? "no such directory" : FileAccessError.problem(errno: code))
        }
        // The umask would narrow the mode of the file replaced; keep it exactly.
        if keepsMode { fchmod(descriptor, mode) }
        buffer.reserveCapacity(Self.bufferSize)
    }

    deinit { abandon() }

    /// Appends bytes (buffered).
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        if buffer.count + bytes.count > Self.bufferSize { try flush() }
        if bytes.count >= Self.bufferSize {
            try writeAll(bytes)
        } else {
            buffer.append(contentsOf: bytes)
        }
    }

    /// Appends bytes (buffered).
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { raw in try write(raw) }
    }

    /// Writes what is buffered, closes the partial file and renames it over the target.
    public func commit() throws {
        do {
            try flush()
            let code = close(descriptor)
            descriptor = -1
            guard code == 0 else { throw FileAccessError("write", path, errno: errno) }
            guard rename(partialPath, target) == 0 else { throw FileAccessError("write", path, errno: errno) }
            committed = true
        } catch {
            abandon()
            throw error
        }
    }

    /// Closes and removes the partial file (nothing happens to the target).
    public func abandon() {
        if descriptor >= 0 { close(descriptor); descriptor = -1 }
        if !committed { unlink(partialPath) }
        committed = true
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { raw in try writeAll(raw) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeRawBufferPointer) throws {
        var offset = 0
        while offset < bytes.count {
            let n = writeDescriptor(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                let error = FileAccessError("write", path, errno: errno)
                abandon()
                throw error
            }
            offset += n
        }
    }

    /// `path` with every symbolic link followed (a link to a file not yet there gives that file).
    static func followLinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var info = stat()
            guard lstat(current, &info) == 0, info.st_mode & S_IFMT == S_IFLNK else { return current }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { throw FileAccessError("write", path, errno: errno) }
            let destination = String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = destination.hasPrefix("/") ? destination
                : (FileAccess.directory(of: current) as NSString).appendingPathComponent(destination)
        }
        throw FileAccessError("write", path, errno: ELOOP)
    }

    /// Removes `.NAME.entk-partial-PID` files in `directory` whose process is gone.
    static func removeStalePartials(in directory: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(".") {
            guard let range = name.range(of: partialMarker, options: .backwards),
                  let pid = Int32(name[range.upperBound...]), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink((directory as NSString).appendingPathComponent(name))
            }
        }
    }
}

private func writeDescriptor(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int { write(fd, bytes, count) }
private func readDescriptor(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, bytes, count) }
