/**
 * The Redis back end's implementation: key layout, Lua scripts, index maintenance, query
 * evaluation. Not API: use it through {@link io.polystore.Polystore} with {@code redis://} URIs.
 */
package io.polystore.keyvalue.internal;
