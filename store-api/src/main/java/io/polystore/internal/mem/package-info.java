/**
 * The in-memory store ({@code mem:}): the reference implementation of the whole API. Not API:
 * reach it through {@link io.polystore.Polystore} and {@code mem:} URIs.
 */
package io.polystore.internal.mem;
