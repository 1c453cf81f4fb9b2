extension Parser {
    // expression = binary
    mutating func parseExpression() throws -> Expression {
        try parseBinary(minimumLevel: 1)
    }

    // binary = prefix { BINARY_OP { NEWLINE } prefix }   (precedence climbing over the table)
    mutating func parseBinary(minimumLevel: Int) throws -> Expression {
        try enterNesting()
        defer { depth -= 1 }
        var left = try parsePrefix()
        while let (level, associativity) = Parser.binaryPrecedence[current.kind], level >= minimumLevel {
            let operatorToken = advance()
            skipNewlines()
            let right = try parseBinary(minimumLevel: associativity == .right ? level : level + 1)
            let span = left.span.through(right.span)
            switch operatorToken.kind {
            case .andKeyword: left = Expression(.logical(isAnd: true, left, right), span: span)
            case .orKeyword: left = Expression(.logical(isAnd: false, left, right), span: span)
            default:
                let op = BinaryOperator(rawValue: operatorToken.text)!
                left = Expression(.binary(op, left, right, operatorSpan: self.span(of: operatorToken)), span: span)
            }
            if associativity == .none, let (next, _) = Parser.binaryPrecedence[current.kind], next == level {
                let what = level == 5 ? "ranges" : "comparisons"
                throw error("\(what) cannot be chained; found \(describe(current)) after `\(operatorToken.text)`"
                            + (level == 4 ? "; combine them with `and`" : ""))
            }
        }
        return left
    }

    // prefix = ( "-" | "+" | "not" ) prefix | postfix
    mutating func parsePrefix() throws -> Expression {
        let op: UnaryOperator
        let level: Int
        switch current.kind {
        case .minus: op = .negate; level = Parser.unaryLevel
        case .plus: op = .plus; level = Parser.unaryLevel
        case .notKeyword: op = .not; level = Parser.notLevel
        default: return try parsePostfix()
        }
        let start = advance().start
        let operand = try parseBinary(minimumLevel: level + 1)
        return Expression(.unary(op, operand), span: span(from: start))
    }

    // postfix = primary { "(" arguments ")" | "[" indices "]" | "." NAME }
    mutating func parsePostfix() throws -> Expression {
        var expression = try parsePrimary()
        while true {
            if match(.leftParen) {
                let arguments = try bracketed(closer: .rightParen, "to close the argument list") { try $0.parseArguments() }
                expression = Expression(.call(expression, arguments), span: expression.span.through(span(of: previous)))
            } else if match(.leftBracket) {
                let indices = try bracketed(closer: .rightBracket, "to close the subscript") { try $0.parseIndices() }
                expression = Expression(.index(expression, indices), span: expression.span.through(span(of: previous)))
            } else if match(.dot) {
                let name = try expect(.identifier, "for a member name after `.`")
                expression = Expression(.member(expression, name: name.text, nameSpan: span(of: name)),
                                        span: expression.span.through(span(of: name)))
            } else {
                return expression
            }
        }
    }

    // arguments = [ argument { "," argument } [ "," ] ]
    // argument  = [ NAME ":" ] expression
    mutating func parseArguments() throws -> [Argument] {
        var arguments: [Argument] = []
        while !check(.rightParen) {
            var label: String?, labelSpan: SourceSpan?
            if check(.identifier), tokens[position + 1].kind == .colon {
                let token = advance()
                advance()
                label = token.text
                labelSpan = span(of: token)
                if let earlier = arguments.first(where: { $0.label == label }) {
                    throw Diagnostic("argument `\(token.text)` is given twice (first at \(earlier.labelSpan!.location))",
                                     span: labelSpan)
                }
            }
            arguments.append(Argument(label: label, labelSpan: labelSpan, value: try parseExpression()))
            if !match(.comma) { break }
        }
        return arguments
    }

    // indices = index { "," index }
    // index   = expression | [ expression ] ":" [ expression ] [ ":" [ expression ] ]
    mutating func parseIndices() throws -> [IndexExpression] {
        var indices: [IndexExpression] = []
        repeat {
            let start = current.start
            var first: Expression?
            if !check(.colon) { first = try parseExpression() }
            if match(.colon) {
                func endsPart(_ parser: Parser) -> Bool {
                    parser.check(.colon) || parser.check(.comma) || parser.check(.rightBracket)
                }
                let stop = endsPart(self) ? nil : try parseExpression()
                var step: Expression?
                if match(.colon), !endsPart(self) { step = try parseExpression() }
                indices.append(.slice(start: first, stop: stop, step: step, span: span(from: start)))
            } else if let first {
                indices.append(.single(first))
            }
        } while match(.comma)
        return indices
    }

    // primary = NUMBER | STRING | "true" | "false" | "none" | NAME | "(" expression ")"
    //         | "[" [ expression { "," expression } [ "," ] ] "]" | "fn" parameters block
    mutating func parsePrimary() throws -> Expression {
        let token = current
        let tokenSpan = span(of: token)
        switch token.kind {
        case .number: advance(); return Expression(.number(token.number), span: tokenSpan)
        case .string: advance(); return Expression(.string(token.string), span: tokenSpan)
        case .trueKeyword: advance(); return Expression(.bool(true), span: tokenSpan)
        case .falseKeyword: advance(); return Expression(.bool(false), span: tokenSpan)
        case .noneKeyword: advance(); return Expression(.none, span: tokenSpan)
        case .identifier: advance(); return Expression(.name(token.text), span: tokenSpan)
        case .leftParen:
            advance()
            let inner = try bracketed(closer: .rightParen, "to close the parenthesis") { try $0.parseExpression() }
            return Expression(inner.kind, span: span(from: token.start))
        case .leftBracket:
            advance()
            let elements = try bracketed(closer: .rightBracket, "to close the list") { parser in
                var elements: [Expression] = []
                while !parser.check(.rightBracket) {
                    elements.append(try parser.parseExpression())
                    if !parser.match(.comma) { break }
                }
                return elements
            }
            return Expression(.list(elements), span: span(from: token.start))
        case .fnKeyword:
            let declaration = try parseFunction(named: false)
            return Expression(.function(declaration), span: declaration.span)
        default:
            throw error("expected an expression, found \(describe(token))")
        }
    }
}
