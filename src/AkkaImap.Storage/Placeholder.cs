namespace AkkaImap.Storage;
