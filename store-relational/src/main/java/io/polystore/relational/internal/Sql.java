package io.polystore.relational.internal;

import java.sql.Connection;
import java.sql.SQLException;

/** Work on a connection that may throw {@link SQLException}. */
@FunctionalInterface
interface Sql<R> {
    R run(Connection connection) throws SQLException;
}
