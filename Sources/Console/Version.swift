/// entk's version, printed by `--version`, in the banner and in transcript headers.
public enum EntkVersion {
    public static let string = "0.1.0"
}
