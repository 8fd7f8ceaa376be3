package io.polystore.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Routes an entity type to the named store when the configuration does not route it. Config
 * ({@code entities:} in the YAML file, or {@code Polystore.Builder#route}) wins over this
 * annotation, which wins over the default store.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE})
public @interface Store {
    /** @return the name of a configured store */
    String value();
}
