package io.polystore.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks the store to index this field. Relational stores create an index; key-value stores keep the
 * secondary index structures they need to answer queries on the field (without it they refuse
 * such queries with {@link io.polystore.UnsupportedQueryException}).
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.FIELD, ElementType.RECORD_COMPONENT})
public @interface Indexed {
}
