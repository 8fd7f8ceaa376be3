/**
 * The JDBC back end's implementation: dialects, table mapping, query translation, schema handling.
 * Not API: use it through {@link io.polystore.Polystore} with {@code jdbc:} URIs.
 */
package io.polystore.relational.internal;
