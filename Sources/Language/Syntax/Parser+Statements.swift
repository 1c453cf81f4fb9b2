extension Parser {
    // program = { SEP } [ statement { SEP { SEP } statement } ] { SEP } EOF
    mutating func parseProgram() -> [Statement] {
        var statements: [Statement] = []
        skipSeparators()
        while !check(.endOfInput) {
            if check(.rightBrace) {
                record(error("unexpected `}` with no block to close"))
                advance()
            } else {
                parseStatementRecovering(into: &statements)
            }
            skipSeparators()
        }
        return statements
    }

    /// Parses one statement and its terminator; on error records it and resynchronises.
    mutating func parseStatementRecovering(into statements: inout [Statement]) {
        let start = position
        let modes = ignoresNewlines.count
        do {
            let statement = try parseStatement()
            if !(check(.newline) || check(.semicolon) || check(.rightBrace) || check(.endOfInput)) {
                throw error("expected a new line or `;` after the statement, found \(describe(current))")
            }
            statements.append(statement)
        } catch let diagnostic as Diagnostic {
            record(diagnostic)
            ignoresNewlines.removeLast(ignoresNewlines.count - modes)
            synchronize()
            // Guarantee progress even when the error token is itself a boundary.
            if position == start, !check(.endOfInput), !check(.rightBrace) { advance() }
        } catch {
            record(Diagnostic("\(error)", span: span(of: current)))
            ignoresNewlines.removeLast(ignoresNewlines.count - modes)
            synchronize()
        }
    }

    // block = "{" { SEP } [ statement { SEP { SEP } statement } ] { SEP } "}"
    mutating func parseBlock(_ purpose: String) throws -> [Statement] {
        let open = try expect(.leftBrace, purpose)
        try enterNesting()
        ignoresNewlines.append(false)
        defer {
            depth -= 1
            ignoresNewlines.removeLast()
        }
        var statements: [Statement] = []
        skipSeparators()
        while !check(.rightBrace) {
            if check(.endOfInput) {
                let (line, _) = source.position(of: open.start)
                throw error("expected `}` to close the block opened on line \(line)")
            }
            parseStatementRecovering(into: &statements)
            skipSeparators()
        }
        // Restore the enclosing mode before stepping past `}` (see `bracketed`).
        ignoresNewlines.removeLast()
        advance()
        ignoresNewlines.append(false)
        return statements
    }

    // statement = functionDecl | ifStatement | forStatement | whileStatement
    //           | "return" [ expression ] | "break" | "continue" | simpleStatement
    mutating func parseStatement() throws -> Statement {
        let start = current.start
        switch current.kind {
        case .fnKeyword where tokens[position + 1].kind == .identifier:
            let declaration = try parseFunction(named: true)
            return Statement(.function(declaration), span: declaration.span)
        case .ifKeyword:
            return try parseIf()
        case .forKeyword:
            return try parseFor()
        case .whileKeyword:
            advance()
            let condition = try parseExpression()
            let body = try parseBlock("to open the body of `while`")
            return Statement(.whileLoop(condition: condition, body: body), span: span(from: start))
        case .returnKeyword:
            advance()
            if check(.newline) || check(.semicolon) || check(.rightBrace) || check(.endOfInput) {
                return Statement(.returnValue(nil), span: span(from: start))
            }
            let value = try parseExpression()
            return Statement(.returnValue(value), span: span(from: start))
        case .breakKeyword:
            advance()
            return Statement(.breakLoop, span: span(from: start))
        case .continueKeyword:
            advance()
            return Statement(.continueLoop, span: span(from: start))
        default:
            return try parseSimpleStatement()
        }
    }

    // simpleStatement = expression [ ( "=" | "+=" | "-=" | "*=" | "/=" ) expression ]
    mutating func parseSimpleStatement() throws -> Statement {
        let start = current.start
        let expression = try parseExpression()
        let compound: BinaryOperator?
        switch current.kind {
        case .assign: compound = nil
        case .plusAssign: compound = .add
        case .minusAssign: compound = .subtract
        case .starAssign: compound = .multiply
        case .slashAssign: compound = .divide
        default:
            return Statement(.expression(expression, echo: !check(.semicolon)), span: expression.span)
        }
        switch expression.kind {
        case .name, .index, .member: break
        default:
            throw Diagnostic("cannot assign to `\(expression.span.text)`; the left of `=` must be a name, a subscript or a member",
                             span: expression.span)
        }
        advance()
        skipNewlines()
        let value = try parseExpression()
        return Statement(.assignment(target: expression, value: value, compound: compound), span: span(from: start))
    }

    // ifStatement = "if" expression block [ [ NEWLINE ] "else" ( ifStatement | block ) ]
    mutating func parseIf() throws -> Statement {
        let start = advance().start
        let condition = try parseExpression()
        if check(.assign) { throw error("`=` binds a name; use `==` to compare in a condition") }
        let then = try parseBlock("to open the body of `if`")
        if check(.newline), tokens[position + 1].kind == .elseKeyword { advance() }
        var otherwise: [Statement]?
        if match(.elseKeyword) {
            if check(.ifKeyword) {
                try enterNesting()
                defer { depth -= 1 }
                otherwise = [try parseIf()]
            } else {
                otherwise = try parseBlock("or `if` after `else`")
            }
        }
        return Statement(.ifElse(condition: condition, then: then, otherwise: otherwise), span: span(from: start))
    }

    // forStatement = "for" NAME "in" expression block
    mutating func parseFor() throws -> Statement {
        let start = advance().start
        let variable = try expect(.identifier, "for the loop variable after `for`")
        _ = try expect(.inKeyword, "after the loop variable")
        let sequence = try parseExpression()
        let body = try parseBlock("to open the body of `for`")
        return Statement(.forIn(variable: variable.text, sequence: sequence, body: body), span: span(from: start))
    }

    // functionDecl = "fn" NAME parameters block   |   primary: "fn" parameters block
    mutating func parseFunction(named: Bool) throws -> FunctionDeclaration {
        let start = advance().start
        let name = named ? try expect(.identifier, "for the function name").text : nil
        // parameters = "(" [ parameter { "," parameter } [ "," ] ] ")"
        _ = try expect(.leftParen, "to open the parameter list")
        let parameters = try bracketed(closer: .rightParen, "to close the parameter list") { parser in
            var parameters: [ParameterDeclaration] = []
            while !parser.check(.rightParen) {
                // parameter = NAME [ ":" expression ]
                let nameToken = try parser.expect(.identifier, "for a parameter name")
                if parameters.contains(where: { $0.name == nameToken.text }) {
                    throw Diagnostic("duplicate parameter `\(nameToken.text)`", span: parser.span(of: nameToken))
                }
                var defaultValue: Expression?
                if parser.match(.colon) { defaultValue = try parser.parseExpression() }
                parameters.append(ParameterDeclaration(name: nameToken.text, defaultValue: defaultValue,
                                                       span: parser.span(from: nameToken.start)))
                if !parser.match(.comma) { break }
            }
            return parameters
        }
        let body = try parseBlock("to open the function body")
        return FunctionDeclaration(name: name, parameters: parameters, body: body, span: span(from: start))
    }
}
