package io.polystore.relational.internal;

import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

import java.sql.SQLException;
import java.util.Properties;

/**
 * SQLite connections with the store's SQL functions registered on each:
 * {@code polystore_decimal(x)}, the {@link DecimalKey} of a decimal kept as text (or of a JSON
 * number's text), so that decimals compare exactly instead of as doubles.
 */
final class SqliteDataSource extends SQLiteDataSource {
    static final String DECIMAL_FUNCTION = "polystore_decimal";

    SqliteDataSource(String url, Properties pragmas) {
        super(new SQLiteConfig(pragmas));
        setUrl(url);
    }

    @Override
    public SQLiteConnection getConnection(String username, String password) throws SQLException {
        SQLiteConnection c = super.getConnection(username, password);
        Function.create(c, DECIMAL_FUNCTION, new DecimalKeyFunction(), 1, Function.FLAG_DETERMINISTIC);
        return c;
    }

    private static final class DecimalKeyFunction extends Function {
        @Override
        protected void xFunc() throws SQLException {
            String text = value_text(0);
            if (text == null || text.equals("null")) { // SQL NULL, or JSON null from the -> operator
                result();
                return;
            }
            try {
                result(DecimalKey.ofText(text));
            } catch (NumberFormatException e) {
                error("not a decimal: " + (text.length() > 40 ? text.substring(0, 40) + "..." : text));
            }
        }
    }
}
