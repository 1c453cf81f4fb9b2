import Testing
import Language

/// Whole programs in the language, of the kind the prelude and lessons will hold, with the
/// exact output they must print.

@Test("a program with functions, loops, list updates and closures prints what it should")
func wholeProgram() {
    let session = Session()
    let output = session.run("""
        # primes below n by trial division
        fn primes(n) {
            found = []
            for k in 2..<n {
                prime = true
                for p in found {
                    if p * p > k { break }
                    if k % p == 0 { prime = false; break }
                }
                if prime { found += [k] }
            }
            return found
        }
        print(primes(30))

        # insertion sort through indexed assignment
        fn sorted(xs) {
            for i in 1..<len(xs) {
                j = i
                while j > 0 and xs[j - 1] > xs[j] {
                    t = xs[j]; xs[j] = xs[j - 1]; xs[j - 1] = t
                    j -= 1
                }
            }
            return xs
        }
        data = [5, 3, 9, 1, 4]
        print(sorted(data), data)

        # closures capture their defining scope; defaults see earlier parameters
        fn make_affine(a, b: 0) { return fn(x) { return a * x + b } }
        f = make_affine(2, b: 1)
        print([f(0), f(1), f(10)])

        fn fib(n) { if n < 2 { return n } else { return fib(n - 1) + fib(n - 2) } }
        fibs = []
        for i in 0..<12 { fibs += [fib(i)] }
        fibs[-3:]
        total = 0; for x in fibs { total += x }; total
        str(1 / 3) + " " + type(f)
        """, file: "program.entk")
    #expect(output == """
        [2, 3, 5, 7, 11, 13, 17, 19, 23, 29]
        [1, 3, 4, 5, 9] [5, 3, 9, 1, 4]
        [1, 3, 21]
        [34, 55, 89]
        232
        "0.333333 function"

        """)
}

@Test("a script stops at its first run-time error, reporting file and line, with earlier output kept")
func scriptStopsAtFirstError() {
    let session = Session()
    let output = session.run("print(\"before\")\nx = [1, 2]\ny = x[5]\nprint(\"after\")", file: "lesson.entk", firstLine: 1)
    #expect(output == """
        before
        lesson.entk:3:7: error: index 5 is out of range for length 2
        y = x[5]
              ^

        """)
    #expect(session.echo("x") == "[1, 2]")
}

@Test("the echo observer sees each value a top-level statement echoes, and nothing else")
func echoObserver() {
    let session = Session()
    var seen: [String] = []
    session.interpreter.echoObserver = { seen.append($0.echoText) }
    session.run("x = 1\nx\n2;\nprint(3)\nfn f() { 4 }\nf()\n\"s\"\nnone")
    #expect(seen == ["1", "\"s\""])
}
