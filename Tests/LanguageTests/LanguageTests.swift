import Testing
import Language
