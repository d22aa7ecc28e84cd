/** The Sightline server: sensor ingest, the engine thread, the REST API and its event stream. */
package io.sightline.server;
