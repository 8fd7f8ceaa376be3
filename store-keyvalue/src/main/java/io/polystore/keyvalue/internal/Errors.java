package io.polystore.keyvalue.internal;

import io.polystore.StoreException;
import io.polystore.StoreTimeoutException;
import io.polystore.StoreUnavailableException;

import java.time.Duration;

/** Builds the store's exceptions for Redis failures, naming the store and the operation. */
final class Errors {
    private final String store;
    private final Duration timeout;

    Errors(String store, Duration timeout) {
        this.store = store;
        this.timeout = timeout;
    }

    StoreTimeoutException timeout(String what, Throwable cause) {
        return new StoreTimeoutException("store '" + store + "' (Redis): " + what + " got no answer within " + timeout, cause);
    }

    StoreUnavailableException unavailable(String what, Throwable cause) {
        return new StoreUnavailableException("store '" + store + "' (Redis): " + what + ": " + cause.getMessage(), cause);
    }

    StoreException failed(String what, Throwable cause) {
        return new StoreException("store '" + store + "' (Redis): " + what + " failed: " + cause.getMessage(), cause);
    }
}
