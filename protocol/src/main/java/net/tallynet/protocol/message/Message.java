package net.tallynet.protocol.message;

/** A decoded protocol message: the payload record of one of the 11 methods. */
public sealed interface Message permits HelloMessage, HeyMessage, GetAddrMessage, AddrMessage,
        BroadcastBlockMessage, GetBlockMessage, GetListOfBlocksMessage, ListOfBlocksMessage, BlockMessage,
        PushTransactionMessage, BroadcastTransactionMessage,
        SendCompactMessage, CompactBlockMessage, GetBlockTransactionsMessage, BlockTransactionsMessage {

    Method method();
}
