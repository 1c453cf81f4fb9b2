/// True in optimised builds. Paper-scale checks (thousands of training steps, big kernels)
/// run only there: `scripts/test` runs `swift test -c release`; a debug `swift test` skips them.
public let heavyTestsEnabled: Bool = {
    #if DEBUG
    return false
    #else
    return true
    #endif
}()
