package io.polystore.testkit;

import io.polystore.Polystore;
import io.polystore.Store;

/** The in-memory store passes the whole conformance suite, every feature and capability included. */
class MemConformanceTest extends RepositoryConformanceSuite {
    @Override
    protected Store openStore() {
        return Polystore.builder().store("mem-conformance", "mem:").build().store("mem-conformance");
    }
}
