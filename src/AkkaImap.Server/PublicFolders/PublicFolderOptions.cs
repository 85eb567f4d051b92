namespace AkkaImap.Server.PublicFolders;

/// <summary>
/// What the public-folder actors need of the settings. <paramref name="UserCreate"/> is
/// <c>public-folders.user-create</c>: readers may CREATE below "Public Folders/".
/// </summary>
public sealed record PublicFolderOptions(bool UserCreate = true);
