import Console
import Foundation
import Testing

@Suite("Replay tolerance")
struct OutputComparisonTests {
    let rule = OutputComparison.standard

    private func lines(_ text: String) -> [ExpectedLine] {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { .output(String($0)) }
    }

    private func mismatch(_ expected: String, _ actual: String, rule: OutputComparison = .standard) -> OutputMismatch? {
        if case .mismatch(let m) = rule.compare(expected: lines(expected), actual: lines(actual)) { return m }
        return nil
    }

    /// A spectrum as entk prints it, with twelve digits so a perturbation reaches the text.
    private func spectrum(_ values: [Double]) -> String {
        "[" + values.map { String(format: "%.12g", $0) }.joined(separator: ", ") + "]\nafter 50 (×2.032)"
    }

    @Test("a recording perturbed by 1e-9 relative matches, and the drift is counted")
    func perturbedPasses() {
        let values = [719.492, 700.353, 663.56, 1.2e-3, 7.86e-8]
        let outcome = rule.compare(expected: lines(spectrum(values)), actual: lines(spectrum(values.map { $0 * (1 + 1e-9) })))
        guard case .withinTolerance(let numbers, let closest) = outcome else {
            Issue.record("expected a match within tolerance, got \(outcome)")
            return
        }
        #expect(numbers == 5)
        #expect(closest < 1e-3)
    }

    @Test("a float moved beyond the tolerance fails, naming both values and the tolerance")
    func floatBeyondTolerance() throws {
        let m = try #require(mismatch("[719.492, 700.353, 663.56]", "[719.492, 700.353, 663.66]"))
        #expect(m.line == 0)
        guard case .number(let position, let expected, let actual, let difference, let tolerance, let reference) = m.kind else {
            Issue.record("expected a number mismatch, got \(m.kind)")
            return
        }
        #expect(position == 3 && expected == "663.56" && actual == "663.66")
        #expect(abs(difference - 0.1) < 1e-9 && tolerance == 1e-4 && reference == 719.492)
        #expect(m.explanation.contains("expected 663.56, got 663.66"))
        #expect(m.explanation.contains("tolerance 0.0001 × 719"))
    }

    @Test("an integer changed by one fails")
    func integerChanged() throws {
        let m = try #require(mismatch("after 50 (×2.032)  after 30 (×1.82)", "after 50 (×2.032)  after 31 (×1.82)"))
        #expect(m.kind == .integer(position: 3, expected: "30", actual: "31"))
        #expect(mismatch("step 5000  loss 4.98e-05", "step 5001  loss 4.98e-05") != nil)
    }

    @Test("changed text fails, even beside numbers within tolerance")
    func textChanged() {
        #expect(mismatch("kernel flat 25000×25000", "kernel trace 25000×25000")?.kind == .text)
        #expect(mismatch("loss 0.0891901 train", "loss 0.0891902 test")?.kind == .text)
        #expect(mismatch("layer0.weight 3", "layer1.weight 3")?.kind == .text)
        #expect(mismatch("entk 0.1.0", "entk 0.1.1")?.kind == .text)
        #expect(mismatch("nan", "0")?.kind == .text)
    }

    @Test("a missing or an extra line fails")
    func lineCount() {
        #expect(mismatch("a\nb", "a")?.kind == .lineCount(expected: 2, actual: 1))
        #expect(mismatch("a", "a\nb")?.kind == .lineCount(expected: 1, actual: 2))
        let error = rule.compare(expected: [.output("x 1.5")], actual: [.error("x 1.5")])
        #expect(error == .mismatch(OutputMismatch(line: 0, kind: .text)))
    }

    @Test("a tiny entry beside large ones may move; alone it may not")
    func scaleOfTheOutput() {
        #expect(mismatch("[700.1, 1e-09]", "[700.1, 3e-09]") == nil)
        // The scale is the whole output's: a noise value on a line of its own beside a heading.
        #expect(mismatch("[0.985, 0.146]\nscale [ ] 7.86e-08 [█] 0.8…1", "[0.985, 0.146]\nscale [ ] 7.88e-08 [█] 0.8…1") == nil)
        #expect(mismatch("[1e-09]", "[3e-09]") != nil)
        // Integers do not set the scale: a loss next to a step count is compared to itself.
        #expect(mismatch("step 5000  loss 4.98e-05", "step 5000  loss 4.99e-05") != nil)
    }

    @Test("layout may follow a number whose width changed, and only then")
    func whitespace() {
        #expect(mismatch("[719.492,  663.56]\n[ 0.5,  0.25]", "[719.492, 663.561]\n[0.5, 0.25]") == nil)
        #expect(mismatch("[ 0.5, 0.25]", "[0.5, 0.25]")?.kind == .text)
        #expect(mismatch("a b 1.5", "ab 1.5")?.kind == .text)
    }

    @Test("the exact rule fails on any digit")
    func exactRule() {
        #expect(mismatch("663.56", "663.561", rule: .exact)?.kind == .text)
        #expect(mismatch("663.56", "663.561", rule: .numeric(tolerance: 0)) != nil)
        #expect(mismatch("663.56", "663.561", rule: .numeric(tolerance: 1e-5)) == nil)
    }

    @Test("numbers are found where a person sees them")
    func tokens() {
        // A sentence's full stop is not a decimal point: "after 50." is the integer 50.
        #expect(mismatch("after 50.", "after 51.")?.kind == .integer(position: 1, expected: "50", actual: "51"))
        // Words with digits are text; signs and exponents belong to the number.
        #expect(mismatch("W1 -1.5e-03", "W1 -1.50001e-03") == nil)
        #expect(mismatch("W1 2", "W2 2")?.kind == .text)
        #expect(mismatch("57–112: 26.39", "57–112: 26.3901") == nil)
        #expect(mismatch("3rd 1.5", "4rd 1.5")?.kind == .text)
    }
}

@Suite("Check within the tolerance")
struct CheckToleranceTests {
    private func checked(_ text: String, comparison: OutputComparison? = nil) throws -> CheckResult {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("t.entk")
        try write(text, to: file)
        let (session, _, _) = makeSession()
        return try session.check(atPath: file.path, comparison: comparison)
    }

    @Test("a replay whose last digits moved passes and says how close it came")
    func lastDigits() throws {
        let result = try checked("say 700.5 0.00100001\n#| 700.5 0.001\n")
        #expect(result.passed)
        #expect(result.numbersWithinTolerance == 1 && result.inputs == 1)
        #expect(result.summary(path: "t.entk").hasPrefix("entk: check t.entk: passed · 1 inputs · 1 number within tolerance"))
    }

    @Test("a real change fails with the recorded line, both values and the tolerance, then the diff")
    func realChange() throws {
        let report = try #require(try checked("# note\nsay 700.5 0.2\n#| 700.5 0.1\n").report)
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines[0].hasSuffix("t.entk:3: number 2 on the line: expected 0.1, got 0.2; |difference| 0.1 exceeds 0.0701 = tolerance 0.0001 × 700 (the largest number in this output)"))
        #expect(lines.contains("-#| 700.5 0.1") && lines.contains("+#| 700.5 0.2"))
    }

    @Test("only the inputs that differ show in the diff")
    func diffShowsOnlyRealChanges() throws {
        let report = try #require(try checked("say 1.00001\n#| 1\nsay 2\n#| 3\n").report)
        #expect(!report.contains("+#| 1.00001"))
        #expect(report.contains("-#| 3\n+#| 2"))
    }

    @Test("the header's tolerance applies, and the command line's overrides it")
    func headerTolerance() throws {
        let loose = "# entk 0.1.0 · seed 0 · tolerance 0.01\nsay 1.005\n#| 1\n"
        #expect(try checked(loose).passed)
        #expect(try checked(loose, comparison: .standard).passed == false)
        #expect(try checked("say 1.005\n#| 1\n").passed == false)
        #expect(try checked("say 1.00001\n#| 1\n", comparison: .exact).passed == false)
    }

    @Test("an output recorded with #= must match exactly, and recording keeps the marker")
    func exactMarker() throws {
        #expect(try checked("say 1.00001\n#= 1\n").passed == false)
        #expect(try checked("say 1\n#= 1\n").passed)
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("r.entk")
        try write("say 2\n#= 1\nsay 3\n#| 1\n", to: file)
        let (session, _, _) = makeSession()
        try session.record(atPath: file.path)
        #expect(try String(contentsOf: file, encoding: .utf8) == "# entk 0.1.0 · seed 0\nsay 2\n#= 2\nsay 3\n#| 3\n")
    }

    @Test("the header carries a tolerance and the BLAS core, and reads back")
    func header() {
        let header = SessionHeader(version: "0.1.0", seed: 3, tolerance: 0.001, blas: "OpenBLAS 0.3.21 Haswell")
        #expect(header.rendered == "# entk 0.1.0 · seed 3 · tolerance 0.001 · blas OpenBLAS 0.3.21 Haswell")
        #expect(SessionHeader(line: Substring(header.rendered)) == header)
        #expect(SessionHeader(line: "# entk 0.1.0 · seed 3 · tolerance lots") == nil)
    }

    @Test("a recording of 100,000 lines parses into its inputs and compares number by number")
    func longRecording() throws {
        var text = ""
        for i in 0..<1000 {
            text += "say \(i).5\n"
            for _ in 0..<99 { text += "#| \(i).5\n" }
        }
        let script = SessionScript.parse(text, inputStatus: TestEngine().inputStatus)
        #expect(script.inputs.count == 1000 && script.inputs[999].expected.count == 99)
        let expected = script.inputs.flatMap(\.expected)
        let actual = expected.map { line -> ExpectedLine in
            guard case .output(let t) = line else { return line }
            return .output(t + "0001")
        }
        let outcome = OutputComparison.standard.compare(expected: expected, actual: actual)
        if case .withinTolerance(let numbers, _) = outcome { #expect(numbers == 99_000) } else { Issue.record("\(outcome)") }
    }
}
