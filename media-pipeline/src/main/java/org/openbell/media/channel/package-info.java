/**
 * The typed channel between the device agent and its media worker process: the requests the
 * agent sends, the events the worker reports, and their one strict codec ({@link
 * org.openbell.media.channel.WorkerChannel}), used on both sides of the process boundary.
 */
package org.openbell.media.channel;
