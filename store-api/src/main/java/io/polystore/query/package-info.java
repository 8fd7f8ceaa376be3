/**
 * Typed queries: {@link io.polystore.query.Criteria}, {@link io.polystore.query.Sort},
 * {@link io.polystore.query.Query}, and keyset paging with {@link io.polystore.query.Page} and
 * {@link io.polystore.query.Cursor}.
 */
package io.polystore.query;
