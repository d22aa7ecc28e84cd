/**
 * Remediation through the server: plans from the live storyboards, execution against the
 * configured cluster on an operator's token, the audit trail in the store, and the image gate
 * over the server's state.
 */
package io.sightline.server.remediation;
