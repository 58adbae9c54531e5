package io.voxrelay.common.bus;

/**
 * Published by each session-service instance to the others ({@link Addresses#SESSION_STORE_ANNOUNCE}) when
 * it starts and now and then after: the store it uses. Every instance of a cluster must use one store; an
 * instance that hears of another store answers with its own at {@code replyTo}.
 *
 * @param nodeId  the announcing instance
 * @param storeId the store's identity, made with its schema
 * @param where   where the store is (a file path, a JDBC URL without credentials), for the error message
 * @param replyTo the announcing instance's own address, for answers; null on an answer
 */
public record StoreAnnounce(String nodeId, String storeId, String where, String replyTo) {
}
