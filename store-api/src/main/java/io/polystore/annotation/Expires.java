package io.polystore.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The instant at which the entity expires ({@link java.time.Instant}; {@code null} = never). An
 * expired entity is absent from every read, query and count; stores with native expiry (Redis)
 * also free its storage.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Expires {
}
