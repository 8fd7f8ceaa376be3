/**
 * Annotations that describe entities: {@link io.polystore.annotation.Id}, {@link io.polystore.annotation.Version},
 * {@link io.polystore.annotation.Indexed}, {@link io.polystore.annotation.Expires}, and routing with
 * {@link io.polystore.annotation.Store}.
 */
package io.polystore.annotation;
