/**
 * The one entity mapping model shared by every back end: {@link io.polystore.mapping.EntityModel},
 * {@link io.polystore.mapping.PropertyModel}, {@link io.polystore.mapping.ValueKind} and the comparison rules
 * in {@link io.polystore.mapping.Values}.
 */
package io.polystore.mapping;
