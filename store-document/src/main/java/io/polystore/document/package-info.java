/** Document back ends: Couchbase ({@code couchbase://}, or a {@link com.couchbase.client.java.Cluster} the application owns). */
package io.polystore.document;
