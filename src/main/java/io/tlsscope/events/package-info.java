/**
 * The in-process event bus: captured chunks and query events fanned out to subscribers, each with a
 * bounded queue of its own (losses counted), ids for resuming clients and a bounded replay buffer.
 */
package io.tlsscope.events;
