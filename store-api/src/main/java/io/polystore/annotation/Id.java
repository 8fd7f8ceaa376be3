package io.polystore.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The identifier of an entity. Supported types: {@code String}, {@code long}/{@code Long} and
 * {@link java.util.UUID}. When the id is absent ({@code null}, or {@code 0} for {@code long}) at
 * save time it is generated: a random UUID (as text for {@code String}) or, for numeric ids, the
 * next value of the store's sequence where the store has one.
 *
 * <p>An entity without {@code @Id} uses a field named {@code id} if it has one.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Id {
}
