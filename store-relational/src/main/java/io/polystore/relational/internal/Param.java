package io.polystore.relational.internal;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/** Binds one {@code ?} of a statement. */
@FunctionalInterface
interface Param {
    void bind(PreparedStatement ps, int index) throws SQLException;
}
