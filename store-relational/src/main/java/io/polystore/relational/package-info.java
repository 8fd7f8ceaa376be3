/**
 * The relational back end ({@code jdbc:sqlite:}, {@code jdbc:postgresql:}, {@code jdbc:mariadb:},
 * {@code jdbc:mysql:}). Users reach it through {@link io.polystore.Polystore}; this package holds
 * only {@link io.polystore.relational.RelationalSchema}, for hand-managed schemas.
 */
package io.polystore.relational;
