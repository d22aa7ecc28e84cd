/** Durable state of the server: the append-only ingest log and API tokens, over JDBC. */
package io.sightline.store;
