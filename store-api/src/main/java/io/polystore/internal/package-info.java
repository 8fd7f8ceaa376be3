/**
 * Implementation details of store-api: configuration loading and the in-memory store. Not API:
 * anything here may change in any release.
 */
package io.polystore.internal;
