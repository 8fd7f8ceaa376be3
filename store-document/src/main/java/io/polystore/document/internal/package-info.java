/** The Couchbase back end: store, repository and the SQL++ printer of lowered queries. Not an API. */
package io.polystore.document.internal;
