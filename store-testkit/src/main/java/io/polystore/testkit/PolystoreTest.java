package io.polystore.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Gives a JUnit 5 test class a {@link io.polystore.Polystore} of its own: test methods, lifecycle
 * methods and constructors declare parameters of type {@code Polystore} or
 * {@code Repository<T, ID>} and get them.
 *
 * <pre>{@code
 * @PolystoreTest(config = "polystore-test.yaml")   // or no config: one embedded SQLite store
 * class SignUpTest {
 *     @Test
 *     void aNewUserCanSignIn(Repository<User, String> users, Polystore polystore) {
 *         new SignUp(polystore).register("ada", "secret");
 *         assertThat(users.findById("ada")).isPresent();
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Stores.</b> With {@link #config()}, the application's own configuration file: entity
 *   types are routed as in production, and {@code ${VARIABLE}} placeholders are read from system
 *   properties and the environment, so one file runs on embedded stores on a laptop and on the
 *   services CI points the variables at. Without it, one store named {@code default} on
 *   {@link #store()}: a SQLite file in a temporary directory unless another URI is given.</li>
 *   <li><b>A fresh namespace.</b> Every store is opened in a namespace of its own
 *   ({@link io.polystore.Polystore.Builder#namespace}: its own tables, keys, labels or databases),
 *   so test classes that run at the same time on one server, or a run of yesterday, never see each
 *   other's data.</li>
 *   <li><b>Clean-up.</b> When the class is done (or each method, with
 *   {@link Lifecycle#PER_METHOD}) every store that can ({@link io.polystore.spi.Droppable})
 *   drops its namespace, the Polystore is closed and the temporary directory deleted: nothing is
 *   left on the servers. In-memory stores leave nothing anyway; a store that cannot drop (Couchbase)
 *   keeps its namespaced collections, which a later run never reads.</li>
 * </ul>
 *
 * A {@code @Nested} class shares its enclosing class's Polystore.
 */
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(PolystoreExtension.class)
public @interface PolystoreTest {
    /**
     * @return the Polystore configuration: a class-path resource ({@code "polystore-test.yaml"}) or a
     *         file path; empty for one store on {@link #store()}
     */
    String config() default "";

    /**
     * @return without {@link #config()}: the URI of the one store, named {@code default}; empty for
     *         a SQLite file in a temporary directory ({@code "mem:"} for the in-memory store)
     */
    String store() default "";

    /** @return whether the class shares one Polystore (the default) or each test method gets its own */
    Lifecycle lifecycle() default Lifecycle.PER_CLASS;

    /** How long a Polystore and its namespace live. */
    enum Lifecycle {
        /** one for the test class (and its {@code @Nested} classes), cleaned up after its last test */
        PER_CLASS,
        /** one for each test method, cleaned up after it */
        PER_METHOD
    }
}
