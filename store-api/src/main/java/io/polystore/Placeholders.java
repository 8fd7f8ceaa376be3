package io.polystore;

import java.util.function.Function;

/**
 * Expands {@code ${NAME}} and {@code ${NAME:default}} from the environment; {@code $${} is a literal {@code ${}.
 */
final class Placeholders {
    private Placeholders() {
    }

    /**
     * @param text  a config value
     * @param env   looks up a variable (null when unset)
     * @param error makes the exception for a problem, given its description
     * @return the expanded text
     */
    static String expand(String text, Function<String, String> env, Function<String, ? extends RuntimeException> error) {
        if (text.indexOf('$') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c == '$' && text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (c == '$' && text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw error.apply("unclosed '${' in '" + text + "'");
                }
                String body = text.substring(i + 2, end);
                int colon = body.indexOf(':');
                String name = colon < 0 ? body : body.substring(0, colon);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_.]*")) {
                    throw error.apply("bad variable name '" + name + "' in '" + text + "'");
                }
                String value = env.apply(name);
                if (value == null) {
                    if (colon < 0) {
                        throw error.apply("environment variable " + name
                                + " is not set and has no default (write ${" + name + ":default})");
                    }
                    value = body.substring(colon + 1);
                }
                out.append(value);
                i = end + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
