namespace AkkaImap.Server;
