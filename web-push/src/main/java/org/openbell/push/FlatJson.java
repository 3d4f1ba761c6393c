package org.openbell.push;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The little JSON a JWT needs, without a JSON library: quoting a string, and reading a flat object
 * whose values are strings or non-negative integers (a JWS header or the VAPID claims). Anything
 * else (nesting, arrays, booleans, fractions, duplicate names) is refused.
 */
final class FlatJson {

    private FlatJson() {}

    /** A JSON string literal for {@code value}, quotes included. */
    static String quote(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Parses a flat object; values are {@link String} or {@link Long}.
     *
     * @throws IllegalArgumentException if it is not such an object
     */
    static Map<String, Object> parseObject(String json) {
        Parser parser = new Parser(json);
        Map<String, Object> result = parser.object();
        parser.skipWhitespace();
        if (parser.position != json.length()) {
            throw new IllegalArgumentException("JSON has text after the object");
        }
        return result;
    }

    private static final class Parser {
        private final String text;
        private int position;

        Parser(String text) {
            this.text = text;
        }

        Map<String, Object> object() {
            Map<String, Object> result = new LinkedHashMap<>();
            expect('{');
            skipWhitespace();
            if (peek() == '}') {
                position++;
                return result;
            }
            while (true) {
                skipWhitespace();
                String name = string();
                skipWhitespace();
                expect(':');
                skipWhitespace();
                Object value = peek() == '"' ? string() : number();
                if (result.put(name, value) != null) {
                    throw new IllegalArgumentException("JSON object repeats \"" + name + "\"");
                }
                skipWhitespace();
                char c = next();
                if (c == '}') {
                    return result;
                }
                if (c != ',') {
                    throw new IllegalArgumentException("JSON: expected ',' or '}' at " + (position - 1));
                }
            }
        }

        private String string() {
            expect('"');
            StringBuilder out = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return out.toString();
                }
                if (c < 0x20) {
                    throw new IllegalArgumentException("JSON string has a raw control character");
                }
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char escape = next();
                switch (escape) {
                    case '"', '\\', '/' -> out.append(escape);
                    case 'n' -> out.append('\n');
                    case 'r' -> out.append('\r');
                    case 't' -> out.append('\t');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        if (position + 4 > text.length()) {
                            throw new IllegalArgumentException("JSON: truncated \\u escape");
                        }
                        try {
                            out.append((char) Integer.parseInt(text.substring(position, position + 4), 16));
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("JSON: bad \\u escape", e);
                        }
                        position += 4;
                    }
                    default -> throw new IllegalArgumentException("JSON: bad escape \\" + escape);
                }
            }
        }

        private Long number() {
            int start = position;
            while (position < text.length() && Character.isDigit(text.charAt(position))) {
                position++;
            }
            if (position == start || position - start > 18
                    || (text.charAt(start) == '0' && position - start > 1)) {
                throw new IllegalArgumentException("JSON: values must be strings or non-negative integers");
            }
            return Long.parseLong(text.substring(start, position));
        }

        void skipWhitespace() {
            while (position < text.length() && " \t\r\n".indexOf(text.charAt(position)) >= 0) {
                position++;
            }
        }

        private char peek() {
            if (position >= text.length()) {
                throw new IllegalArgumentException("JSON ends early");
            }
            return text.charAt(position);
        }

        private char next() {
            char c = peek();
            position++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                throw new IllegalArgumentException("JSON: expected '" + c + "' at " + (position - 1));
            }
        }
    }
}
