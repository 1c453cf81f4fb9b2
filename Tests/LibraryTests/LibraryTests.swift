import Testing
import Library
