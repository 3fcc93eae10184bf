#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The few POSIX calls the document store needs, with EINTR retried and failures as
/// `DocumentStoreError.io` naming the call and the path.
enum FileSystemCalls {
    static func openForNewFile(_ path: String) throws(DocumentStoreError) -> Int32 {
        let descriptor = retryingInterrupts { open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o640) }
        guard descriptor >= 0 else { throw .io(operation: "open (create)", path: path, errno: errno) }
        return descriptor
    }

    static func openForReading(_ path: String) throws(DocumentStoreError) -> Int32 {
        let descriptor = retryingInterrupts { open(path, O_RDONLY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw .io(operation: "open", path: path, errno: errno) }
        return descriptor
    }

    /// Writes all of `bytes`, continuing after short writes.
    static func writeAll(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws(DocumentStoreError) {
        var offset = 0
        while offset < bytes.count {
            let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                throw .io(operation: "write", path: path, errno: errno)
            }
            offset += written
        }
    }

    static func readSome(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, path: String) throws(DocumentStoreError) -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        while true {
            let count = read(descriptor, base, buffer.count)
            if count >= 0 { return count }
            if errno != EINTR { throw .io(operation: "read", path: path, errno: errno) }
        }
    }

    static func sync(_ descriptor: Int32, path: String) throws(DocumentStoreError) {
        guard retryingInterrupts({ fsync(descriptor) }) == 0 else { throw .io(operation: "fsync", path: path, errno: errno) }
    }

    /// fsync of a directory makes the entries created or renamed in it durable.
    static func syncDirectory(_ path: String) throws(DocumentStoreError) {
        let descriptor = retryingInterrupts { open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        guard descriptor >= 0 else { throw .io(operation: "open (directory)", path: path, errno: errno) }
        defer { close(descriptor) }
        try sync(descriptor, path: path)
    }

    /// Creates `path` if missing; when it creates it, fsyncs the parent so the new entry is durable.
    static func ensureDirectory(_ path: String, parent: String) throws(DocumentStoreError) {
        if mkdir(path, 0o750) == 0 {
            try syncDirectory(parent)
        } else if errno != EEXIST {
            throw .io(operation: "mkdir", path: path, errno: errno)
        }
    }

    /// Size of a regular file, or nil when there is none.
    static func fileSize(_ path: String) throws(DocumentStoreError) -> Int? {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { return nil }
            throw .io(operation: "stat", path: path, errno: errno)
        }
        return (info.st_mode & S_IFMT) == S_IFREG ? Int(info.st_size) : nil
    }

    static func fileSize(of descriptor: Int32, path: String) throws(DocumentStoreError) -> Int {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw .io(operation: "fstat", path: path, errno: errno) }
        return Int(info.st_size)
    }

    static func closeDescriptor(_ descriptor: Int32) {
        _ = close(descriptor)
    }

    static func removeFile(_ path: String) {
        unlink(path)
    }

    /// Names in a directory (without "." and "..").
    static func directoryEntries(_ path: String) throws(DocumentStoreError) -> [String] {
        guard let directory = opendir(path) else { throw .io(operation: "opendir", path: path, errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.baseAddress!.assumingMemoryBound(to: CChar.self))
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    private static func retryingInterrupts(_ call: () -> Int32) -> Int32 {
        while true {
            let result = call()
            if result >= 0 || errno != EINTR { return result }
        }
    }
}
