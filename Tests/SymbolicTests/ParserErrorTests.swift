import Symbolic
import XCTest

/// Each malformed input gives its exact message at its exact 1-based column.
final class ParserErrorTests: XCTestCase {
    func check(_ text: String, _ message: String, column: Int, length: Int = 1,
               scope: NameScope = NameScope(), file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try Graph().parse(text, scope: scope)
            XCTFail("'\(text)' parsed", file: file, line: line)
        } catch {
            XCTAssertEqual(error.message, message, text, file: file, line: line)
            XCTAssertEqual(error.column, column, text, file: file, line: line)
            XCTAssertEqual(error.length, length, text, file: file, line: line)
        }
    }

    func testMessagesAndPositions() {
        check("", "empty expression", column: 1)
        check("   ", "empty expression", column: 1)
        check("1 +", "unexpected end of expression; expected a number, a name or '('", column: 4)
        check("(x + 1", "missing ')' to close the '(' at column 1", column: 7)
        check("x + 1)", "unmatched ')'", column: 6)
        check("x**2", "unexpected '*'; write '^' for powers", column: 3)
        check("3x", "unexpected name 'x' after a complete expression; write '*' to multiply", column: 2)
        check("1 + ezp(x)", "unknown function 'ezp'; did you mean 'exp'?", column: 5, length: 3)
        check("exp x", "function 'exp' needs its argument in parentheses, as in exp(x)", column: 1, length: 3)
        check("sin()", "function 'sin' needs an argument", column: 5)
        check("atan(y, x)", "function 'atan' takes one argument", column: 7)
        check("x $ y", "unexpected character '$'", column: 3)
        check("x² + 1", "unexpected character '²'; write powers with '^', as in x^2", column: 2)
        check("2e + x", "malformed number '2e'; an exponent needs digits, as in 1e-3", column: 1, length: 2)
        check("x * 1e400", "number '1e400' is too large for a double (at most about 1.8e308)", column: 5, length: 5)
        check("1.2.3", "malformed number '1.2.3'", column: 1, length: 5)
        check("x * / y", "unexpected '/'; expected a number, a name or '('", column: 5)
        check("(x + y) (x - y)", "unexpected '('", column: 9)
        check("foo(x)", "unknown function 'foo'", column: 1, length: 3)
        check("x + z", "unknown name 'z'", column: 5, scope: NameScope(variables: ["x", "y"]))
        check("x + alpah", "unknown name 'alpah'; did you mean 'alpha'?", column: 5, length: 5,
              scope: NameScope(variables: ["x", "alpha"]))
        check("x + sharp", "unknown name 'sharp'; did you mean 'sharp1'?", column: 5, length: 5,
              scope: NameScope(variables: ["x"], lets: ["sharp1": Graph().constant(1)]))
    }

    func testCaretDisplay() {
        do {
            _ = try Graph().parse("1 + ezp(x)")
            XCTFail("parsed")
        } catch {
            XCTAssertEqual(error.description, """
                column 5: unknown function 'ezp'; did you mean 'exp'?
                  1 + ezp(x)
                      ^~~
                """)
        }
    }
}
