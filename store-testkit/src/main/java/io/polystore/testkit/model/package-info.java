/** The entity types the conformance suite stores. Back ends may need their schema; nothing else. */
package io.polystore.testkit.model;
