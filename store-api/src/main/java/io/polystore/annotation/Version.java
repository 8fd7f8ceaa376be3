package io.polystore.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Optimistic locking. The field ({@code long}, {@code Long}, {@code int} or {@code Integer}) holds the
 * version of the stored entity: {@code null} or {@code 0} means new. Each save increments it (a new
 * entity is stored with version 1). A save or delete whose version differs from the stored one
 * raises {@link io.polystore.OptimisticLockException} and writes nothing. A negative version is
 * refused with {@link IllegalArgumentException} on every store, before anything is written.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Version {
}
