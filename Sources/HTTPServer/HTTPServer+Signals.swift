import Dispatch
#if canImport(Glibc)
import Glibc
#endif

extension HTTPServer {
    /// Starts the server and serves until SIGTERM or SIGINT, then shuts down gracefully (stop
    /// accepting, finish in-flight requests within the grace period, close idle connections)
    /// and exits with status 0 after `onStopped`. Never returns.
    public func runUntilSignalled(
        onReady: @escaping @Sendable () -> Void = {}, onStopped: @escaping @Sendable () -> Void = {}
    ) -> Never {
        let signals = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            // Ignore the default action first, or the process dies before the source sees it.
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .main)
            source.setEventHandler { [self] in
                self.configuration.log("received signal \(number); shutting down")
                let log = self.configuration.log
                shutdown {
                    onStopped()
                    log("shutdown complete")
                    exit(0)
                }
            }
            source.resume()
            return source
        }
        start()
        onReady()
        withExtendedLifetime(signals) { dispatchMain() }
    }
}
