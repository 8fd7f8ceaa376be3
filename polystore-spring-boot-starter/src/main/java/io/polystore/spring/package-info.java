/**
 * Spring Boot auto-configuration for Polystore: {@link io.polystore.spring.PolystoreAutoConfiguration}
 * (the {@code Polystore} bean and {@code Repository<T, ID>} beans),
 * {@link io.polystore.spring.PolystoreHealthAutoConfiguration} (a health indicator per store) and
 * {@link io.polystore.spring.PolystorePageCacheAutoConfiguration} (the page cache filter).
 */
package io.polystore.spring;
