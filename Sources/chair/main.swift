import ChairKit

ChairCommand.main()
